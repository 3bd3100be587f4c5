#!/bin/sh
# One-shot (docker-compose.yml service `temporal-namespace`, image temporalio/admin-tools): prepares the namespace the
# worker and the API use, on the cluster they use (the same TEMPORAL_* settings, read by the `temporal` CLI under the
# same names): creates the namespace if missing, and registers the product's search attributes. Safe to run again:
# attributes already registered with the same type are kept; one registered with another type fails the job, since
# the product's visibility queries would silently break.
set -eu

namespace=${TEMPORAL_NAMESPACE:-default}
retention=${TEMPORAL_NAMESPACE_RETENTION:-2160h}

echo "Waiting for Temporal at ${TEMPORAL_ADDRESS:-127.0.0.1:7233} ..."
attempt=1
until temporal operator cluster health >/dev/null 2>&1; do
  if [ "$attempt" -ge 60 ]; then
    temporal operator cluster health
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done

if temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  echo "Namespace $namespace exists."
else
  # Retention: how long closed requests (and so their audit history) stay readable.
  temporal operator namespace create --namespace "$namespace" --retention "$retention"
fi

# The product's search attributes: src/temporal/names.ts (test/deploy/compose.test.ts keeps this list equal to it).
# A namespace just created may take a few seconds to be known everywhere in the cluster, hence the retries.
attempt=1
until temporal operator search-attribute create --namespace "$namespace" \
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
  if [ "$attempt" -ge 15 ]; then
    echo "Could not register the search attributes in namespace $namespace" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done
echo "Namespace $namespace is ready for the PrivateLink enablement worker and API."
