run missing_file_xyz.svl
