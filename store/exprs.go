package store

// Expressions over pantau.mentions for SQL that lives outside this package
// (the Grafana dashboards' panels, see the sqlElsewhere list), so that the
// model's confidence and its own class read the same there as in the web
// app's review queue.
const (
	// ConfidenceExpr is the model's probability of its label: the stored
	// confidence, or for rows stored before it was, the highest score.
	ConfidenceExpr = confidenceExpr
	// ModelLabelExpr is the class the model chose (a String), whatever
	// label an analyst has set since.
	ModelLabelExpr = modelLabelExpr
)
