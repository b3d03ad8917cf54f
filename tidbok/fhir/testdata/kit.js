// Drives the FHIR façade with the npm package fhir-kit-client, a
// third-party FHIR client: reads the CapabilityStatement, searches slots,
// finds, holds, books and cancels as the citizen, and prints what it saw
// as JSON. The base URL, the actor header's value, the clinic and the
// date are the arguments.
'use strict';
// fhir-kit-client 2 is an ES module, which NODE_PATH does not reach: it
// is imported from the node_modules folder NODE_PATH names.
const path = require('path');
const { pathToFileURL } = require('url');
const [baseUrl, actor, clinic, day] = process.argv.slice(2);
const out = {};

async function main() {
  const mod = await import(pathToFileURL(path.join(process.env.NODE_PATH, 'fhir-kit-client', 'dist', 'index.js')).href);
  const Client = mod.default || mod.Client;
  const client = new Client({ baseUrl, customHeaders: { 'X-Actor-Identifier': actor } });
  const cs = await client.capabilityStatement();
  const appt = cs.rest[0].resource.find((r) => r.type === 'Appointment');
  out.operations = (appt.operation || []).map((o) => o.name);

  const slots = await client.search({ resourceType: 'Slot', searchParams: { schedule: 'Schedule/' + clinic, start: 'ge' + day, _count: 2 } });
  out.slots = slots.entry.map((e) => e.resource.id);
  out.slotTotal = slots.total;
  const page2 = await client.nextPage({ bundle: slots });
  out.page2 = page2.entry.map((e) => e.resource.id);

  const found = await client.operation({ name: '$find', resourceType: 'Appointment', method: 'GET', input: { start: day, end: day, location: 'Location/' + clinic } });
  out.found = found.entry.filter((e) => e.search.mode === 'match').map((e) => e.resource.status);
  out.included = found.entry.filter((e) => e.search.mode === 'include').map((e) => e.resource.resourceType + '/' + e.resource.id);

  const held = await client.operation({ name: '$hold', resourceType: 'Appointment', input: {
    resourceType: 'Parameters', parameter: [{ name: 'appointment-reference', valueReference: { reference: 'Appointment/' + found.entry[0].resource.id } }] } });
  const hold = held.entry[0].resource;
  out.held = hold.status;

  const system = actor.split('|')[0];
  const patient = actor.split('|')[1];
  const booked = await client.operation({ name: '$book', resourceType: 'Appointment', input: {
    resourceType: 'Parameters', parameter: [{ name: 'appointment-resource', resource: {
      resourceType: 'Appointment', id: hold.id, status: 'pending',
      contained: [{ resourceType: 'Patient', id: 'p', name: [{ given: ['Tolvan'], family: 'Tolvansson' }] }],
      participant: [{ actor: { reference: '#p', identifier: { system, value: patient } }, status: 'needs-action' }],
    } }] } });
  const appointment = booked.entry[0].resource;
  out.booked = appointment.status;

  const mine = await client.search({ resourceType: 'Appointment', searchParams: { 'patient:identifier': actor } });
  out.mine = mine.entry.map((e) => e.resource.id);
  out.bookedId = appointment.id;

  const read = await client.read({ resourceType: 'Appointment', id: appointment.id });
  read.status = 'cancelled';
  read.cancelationReason = { text: 'Jag är frisk' };
  const cancelled = await client.operation({ name: '$book', resourceType: 'Appointment', input: {
    resourceType: 'Parameters', parameter: [{ name: 'appointment-resource', resource: read }] } });
  out.cancelled = cancelled.entry[0].resource.status;

  try {
    await client.read({ resourceType: 'Appointment', id: appointment.id });
    out.afterCancel = 'found';
  } catch (e) {
    out.afterCancel = e.response && e.response.status;
    out.afterCancelIssue = e.response && e.response.data && e.response.data.issue[0].code;
  }
}

main().then(
  () => process.stdout.write(JSON.stringify(out)),
  (e) => {
    const detail = e.response ? { status: e.response.status, data: e.response.data } : String(e && e.stack || e);
    process.stdout.write(JSON.stringify({ error: detail, partial: out }));
    process.exitCode = 1;
  });
