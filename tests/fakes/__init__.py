"""Loopback stand-ins for the services the bot talks to; they check the contract they serve."""
