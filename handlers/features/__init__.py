"""Chat features: one router per file (parse, ask, reply); no feature imports another."""
