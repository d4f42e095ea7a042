"""The SMSAPI client against the sandbox over real sockets, faults injected in the sandbox, and SMSAPI's own SDK as the sandbox's peer."""
