run long_line_error.big.svl
