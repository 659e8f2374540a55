"""The pages of the metrics app: measuring (and importing) and evaluating a channel."""
