run many_duplicates.big.svl
