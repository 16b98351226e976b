run FILE --audit .
