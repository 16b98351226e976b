audit verify audit_cut_unicode.json
