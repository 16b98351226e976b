audit verify audit_cut_backslash.json
