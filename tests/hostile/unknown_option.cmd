run --frobnicate FILE
