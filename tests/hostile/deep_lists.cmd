run deep_lists.big.svl
