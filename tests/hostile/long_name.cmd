run long_name.big.svl
