"""The daily arXiv inbox's parts that need no database: the category taxonomy, the
harvest planner (pure) and the client for arXiv's feeds, OAI-PMH and query API."""
