run FILE --timeout 2000
