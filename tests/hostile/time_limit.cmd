run --timeout 100 FILE
