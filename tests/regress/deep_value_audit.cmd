run FILE --audit deep_value_audit.json
