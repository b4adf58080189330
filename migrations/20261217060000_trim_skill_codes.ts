/**
 * Writes the skill codes already stored, of job seekers and of courses, without the spaces around
 * them, as syncs and imports now store them: a course imported as JSON lines teaching "soins " then
 * teaches what a person holding "soins" holds. The same pass as the codes' lower-casing, which writes
 * only the rows whose codes change and leaves the profiles kept with sets as they were.
 */
export { down, up } from './20261216040000_lower_case_skill_codes.ts';
