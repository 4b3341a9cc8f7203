"""The stub under load: the generated server with its generated mock implementation."""

from sequence_usage.server.mock import create_mock_app

app = create_mock_app()
