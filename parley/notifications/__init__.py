"""Customer notifications by e-mail: what the contact hears of a conversation when they are not
in the widget (ticket created, an agent replied, solved), and the reply address that brings
their answer back into the same conversation."""
