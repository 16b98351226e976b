run deep_parens.big.svl
