#!/bin/sh
# One-shot (docker-compose.yml service `temporal-namespace`, image temporalio/admin-tools): prepares the namespace the
# worker and the API use, on the cluster they use (the same TEMPORAL_* settings, read by the `temporal` CLI under the
# same names): creates the namespace if missing, and registers the product's search attributes. Safe to run again:
# attributes already registered with the same type are kept; one registered with another type fails the job, since
# the product's visibility queries would silently break.
set -eu

namespace=${TEMPORAL_NAMESPACE:-default}
retention=${TEMPORAL_NAMESPACE_RETENTION:-2160h}

# Archival: a closed request's history (its audit trail) and its visibility record are copied to these URIs before
# the retention deletes them, and the product reads them back from there (docs/deploy.md, "How long data lives").
# A URI cannot be changed once set on a namespace; Temporal refuses, and so does this job.
set --
if [ -n "${TEMPORAL_HISTORY_ARCHIVAL_URI:-}" ]; then
  set -- "$@" --history-archival-state enabled --history-uri "$TEMPORAL_HISTORY_ARCHIVAL_URI"
fi
if [ -n "${TEMPORAL_VISIBILITY_ARCHIVAL_URI:-}" ]; then
  set -- "$@" --visibility-archival-state enabled --visibility-uri "$TEMPORAL_VISIBILITY_ARCHIVAL_URI"
fi

# Counts a failed try of the loop it is in: gives up with message $2 after $1 tries, else waits 2 s before the next.
next_try() {
  if [ "$attempt" -ge "$1" ]; then
    echo "$2" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
}

echo "Waiting for Temporal at ${TEMPORAL_ADDRESS:-127.0.0.1:7233} ..."
attempt=1
until temporal operator cluster health --command-timeout 10s >/dev/null 2>&1; do
  if [ "$attempt" -ge 60 ]; then
    temporal operator cluster health
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done

# Retention: how long a closed request stays in Temporal's primary store (then only in the archive, if any). A cluster
# that has just started may leave the first call unanswered: each call is bounded and tried again.
created=
attempt=1
while ! temporal operator namespace describe --command-timeout 10s --namespace "$namespace" >/dev/null 2>&1; do
  if temporal operator namespace create --command-timeout 30s --namespace "$namespace" --retention "$retention" "$@"; then
    created=yes
    break
  fi
  next_try 10 "Could not create namespace $namespace"
done
if [ -z "$created" ]; then
  echo "Namespace $namespace exists."
  if [ "$#" -gt 0 ]; then
    temporal operator namespace update --command-timeout 30s --namespace "$namespace" "$@"
  fi
fi
if [ "$#" -gt 0 ]; then
  echo "Archival is on for namespace $namespace: ${TEMPORAL_HISTORY_ARCHIVAL_URI:-} ${TEMPORAL_VISIBILITY_ARCHIVAL_URI:-}"
fi

# The product's search attributes: src/temporal/names.ts (test/deploy/compose.test.ts keeps this list equal to it).
# A namespace just created may take a few seconds to be known everywhere in the cluster, hence the retries.
attempt=1
until temporal operator search-attribute create --command-timeout 30s --namespace "$namespace" \
  --name PrivateLinkStatus --type Keyword \
  --name PrivateLinkState --type Keyword \
  --name PrivateLinkWaitingOn --type Keyword \
  --name PrivateLinkCloud --type Keyword \
  --name PrivateLinkConnectionType --type Keyword \
  --name PrivateLinkCompany --type Keyword \
  --name PrivateLinkSlaBreached --type Bool \
  --name PrivateLinkSlaDeadline --type Datetime \
  --name PrivateLinkRegion --type Keyword \
  --name PrivateLinkAccounts --type KeywordList \
  --name PrivateLinkChangeKind --type Keyword \
  --name PrivateLinkChangeTicket --type Keyword \
  --name PrivateLinkChangeSlaBreached --type Bool \
  --name PrivateLinkChangeSlaDeadline --type Datetime \
  --name PrivateLinkAttention --type KeywordList \
  --name PrivateLinkAssignee --type Keyword \
  --name PrivateLinkIdentifiers --type KeywordList \
  --name PrivateLinkUpdatedAt --type Datetime; do
  next_try 15 "Could not register the search attributes in namespace $namespace"
done
echo "Namespace $namespace is ready for the PrivateLink enablement worker and API."
