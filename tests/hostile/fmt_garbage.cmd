fmt FILE
