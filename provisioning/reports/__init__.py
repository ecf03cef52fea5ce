"""Reports for the regulator (docs/domain.md#who-does-what): per enterprise, what was issued,
sold, registered, verified and what is active, gathered with aggregate queries
(``inspection.gather``) and rendered as JSON, CSV or one self-contained HTML page."""
