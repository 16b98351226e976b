explain FILE cheaper
