/**
 * Minimal typing for the `us` package (2.0.0, a JavaScript port of the Python `us` library),
 * covering only what src/engine/values uses. The package ships no types of its own.
 */
declare module 'us' {
  interface UsState {
    name: string;
    abbr: string;
    fips: string;
    /** Associated Press abbreviation, e.g. "Calif.", "D.C."; null for some territories. */
    ap_abbr: string | null;
    is_territory: boolean;
    /** Metaphone keys of the name, as matched by `lookup`. */
    metaphones: string[];
  }
  interface UsModule {
    /** The 50 states and DC (is_territory false), alphabetical. */
    STATES: UsState[];
    /** AS, GU, MP, PR, VI, alphabetical by name. */
    TERRITORIES: UsState[];
    STATES_AND_TERRITORIES: UsState[];
    /**
     * Two digits → FIPS, two letters → abbreviation (any case), anything else → metaphone of
     * the name. `dontCache` true skips the package's internal (unbounded) cache.
     */
    lookup(val: string, field?: string | null, dontCache?: boolean): UsState | undefined;
  }
  const us: UsModule;
  export = us;
}
