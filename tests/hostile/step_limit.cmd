run --max-steps 100000 FILE
