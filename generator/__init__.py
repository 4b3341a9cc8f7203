"""oagen: turn an OpenAPI document into typed models, a client and a server stub."""

__version__ = "0.1.0"
