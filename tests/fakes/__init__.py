"""Fakes of outside services, started by the tests themselves on loopback."""
