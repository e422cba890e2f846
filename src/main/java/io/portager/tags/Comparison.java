package io.portager.tags;

/** One comparator of a constraint, such as {@code >=1.2} or {@code ~1.4.0}. */
record Comparison(Operator operator, PartialVersion bound) {

  boolean matches(Version version) {
    return operator.test(version, bound);
  }

  @Override
  public String toString() {
    return operator.toString() + bound;
  }
}
