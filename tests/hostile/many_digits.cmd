run many_digits.big.svl
