run FILE --max-heap 50000000
