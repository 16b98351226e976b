run deep_unary.big.svl
