"""The work chat, the scheduler, the sender, the command line and the web desk share:
no routers, nothing that speaks to a user directly."""
