run deep_interpolation.big.svl
