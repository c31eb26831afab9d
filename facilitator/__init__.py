"""facilitator: run timed, structured team conversations full-screen in the terminal."""

__version__ = "0.1.0"
