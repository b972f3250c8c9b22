"""The NetWare analyzers (login script, cluster load script, SET parameters) as plugins."""
