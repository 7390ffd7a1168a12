"""The server: settings, state, dependencies, the error handler, the app factory, the alert loop."""
