run FILE --output no/such/dir/out.txt
