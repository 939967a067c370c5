//! The model the plan consumes: what loading the examples gives, field by field.
