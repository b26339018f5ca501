"""The job: its events, the commands that create and steer it, its state and public shape."""
