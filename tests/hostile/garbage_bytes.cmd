run garbage_bytes.big.svl
