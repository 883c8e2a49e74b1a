"""Intent model: which FAQ/intent a customer's message asks about, with a calibrated confidence,
or no intent at all when the message is out of scope."""
