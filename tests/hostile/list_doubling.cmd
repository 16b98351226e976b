run --max-heap 200000000 FILE
