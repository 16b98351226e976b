check FILE-does-not-exist.svl
