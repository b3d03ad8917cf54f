// Validates FHIR R4 resources with the npm package fhir (its
// Fhir().validate against the R4 base definitions). Reads a JSON array of
// resources from the file named by the first argument and prints the
// problems: every error and every warning (an unexpected property is a
// warning there, and a resource the façade emits must have none) but one
// kind, which it prints as notes: a code "not found in value set". The
// validator says so for any code outside an element's value set, whatever
// the binding's strength, and the façade's codes (time types in
// serviceType and HealthcareService.type) are in elements whose R4
// binding is an example, where any code conforms. A code in a required
// binding (a status) that is not in its value set is an error.
'use strict';
const fs = require('fs');
const { Fhir } = require('fhir');
const fhir = new Fhir();
const resources = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const problems = [];
const notes = [];
resources.forEach((res, i) => {
  const r = fhir.validate(res, { errorOnUnexpected: true });
  for (const m of r.messages) {
    const p = { index: i, resourceType: res.resourceType, location: m.location, severity: m.severity, message: m.message };
    if (m.severity === 'error' || (m.severity === 'warning' && !/not found in value set/.test(m.message))) {
      problems.push(p);
    } else {
      notes.push(p);
    }
  }
});
process.stdout.write(JSON.stringify({ validated: resources.length, problems, notes }));
