"""Public versions of records: every publication numbered and kept, read by number or by date,
and cited in the usual formats."""
