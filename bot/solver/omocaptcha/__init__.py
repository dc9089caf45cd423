"""The paid OmoCaptcha API: the protocol's answers, the poll schedule and the solver that drives them."""
