run long_sum.big.svl
