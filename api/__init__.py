"""What the API of every app shares: errors, pagination, formats, conditional GET, permissions,
throttling, the schema and the changes feed."""
