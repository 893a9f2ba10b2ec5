"""Language models: one small protocol, OpenAI (and compatible servers), Anthropic, and a scripted fake."""
