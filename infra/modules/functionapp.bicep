// The Flex Consumption plan and the function app, with every app setting shared/config.py reads.
// The app runs as the user-assigned identity for everything: host storage, journal storage,
// the deployment package, Key Vault references and telemetry. No key or password is written
// into any setting; the three secrets arrive as Key Vault references.
//
// Only properties that Flex Consumption accepts appear on the site: runtime, scale and deployment
// live in functionAppConfig, and there is no siteConfig block at all. Flex rejects several
// classic siteConfig properties outright (ftpsState fails provisioning with ARM error 51021) and
// offers no FTP endpoint, so neither appears here; tests/infra/test_bicep.py holds the list.

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityId string

@description('Client id of the same identity (for AZURE_CLIENT_ID and the __clientId settings).')
param identityClientId string

@description('Name of the Functions host storage account (AzureWebJobsStorage).')
param hostStorageName string

@description('Blob endpoint of the host storage account, ending in a slash (deployment package).')
param hostBlobEndpoint string

@description('Private container in the host storage account that holds the deployment package.')
param deploymentContainerName string

@description('Blob endpoint of the journal photo account, ending in a slash.')
param blobEndpoint string

@description('Queue endpoint of the journal data account, ending in a slash.')
param queueEndpoint string

@description('Table endpoint of the journal data account, ending in a slash.')
param tableEndpoint string

@description('Subnet the app joins, so that it reaches the closed stores through private endpoints.')
param appSubnetId string

@description('Vault URI of the Key Vault, ending in a slash.')
param keyVaultUri string

@description('Application Insights connection string (an address, not a credential: local auth is off).')
param applicationInsightsConnectionString string

@description('Public https:// base URL that links in e-mails point to. Empty means https://<default host name of the app>.')
param publicBaseUrl string = ''

@description('Key id in the jwt-keys secret that signs new tokens (JOURNAL_JWT_CURRENT_KID).')
@minLength(1)
param jwtCurrentKid string

@description('Pepper id in the peppers secret used for new hashes (JOURNAL_PEPPER_CURRENT).')
@minLength(1)
param pepperCurrent string

@description('Key id in the sealing-keys secret that seals new authenticator secrets (JOURNAL_SEALING_CURRENT).')
@minLength(1)
param sealingCurrent string

@description('Sender of every e-mail, e.g. "Learning Journal <no-reply@example.org>". Empty leaves mail unconfigured: /api/health says so.')
param mailFrom string = ''

@description('SMTP relay host name. Empty leaves mail unconfigured: /api/health says so.')
param smtpHost string = ''

@description('SMTP relay port.')
param smtpPort int = 587

@description('SMTP user name; empty when the relay needs no sign-in.')
param smtpUsername string = ''

@description('Any new value makes the platform re-read every Key Vault reference at once (a configuration change); bump it after changing a secret.')
@minLength(1)
param secretsRevision string

@description('Upper bound on instances, which also caps cost and the blast radius of a flood of requests.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance. Argon2id (64 MiB a hash, SECURITY.md S5) under concurrent sign-ins needs headroom.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app to deploy the `api` service to by this tag.
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Browsers reach the app over the internet; everything the app reaches is behind the subnet.
    publicNetworkAccess: 'Enabled'
    virtualNetworkSubnetId: appSubnetId
    keyVaultReferenceIdentity: identityId
    // No CORS origins: the web client is served by this app (same origin).
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
  }

  // The app settings, as one resource so that a redeploy also removes settings added by hand.
  // Names follow shared/config.py; tests/infra/test_bicep.py fails if config.py reads a setting
  // that is missing here.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      JOURNAL_ENVIRONMENT: 'production'
      JOURNAL_PUBLIC_BASE_URL: empty(publicBaseUrl) ? 'https://${site.properties.defaultHostName}' : publicBaseUrl

      // Journal storage, identity-based: tables and queues in the closed data account, blobs in
      // the photo account. "JournalStorage" is also the connection name of the queue triggers, so
      // the host and our own SDK clients read the same settings.
      JournalStorage__tableServiceUri: tableEndpoint
      JournalStorage__blobServiceUri: blobEndpoint
      JournalStorage__queueServiceUri: queueEndpoint
      JournalStorage__credential: 'managedidentity'
      JournalStorage__clientId: identityClientId
      // The app's SDK clients sign in with ManagedIdentityCredential for exactly this identity.
      AZURE_CLIENT_ID: identityClientId

      // Functions host storage, identity-based, in its own account: no connection string.
      AzureWebJobsStorage__accountName: hostStorageName
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId

      // Secrets: Key Vault references only, so their values never pass through this template.
      // No secret version: the platform follows the newest version of each secret (re-read within
      // 24 hours, and at once whenever the configuration of the app changes).
      JOURNAL_JWT_KEYS: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/jwt-keys/)'
      JOURNAL_JWT_CURRENT_KID: jwtCurrentKid
      JOURNAL_PEPPERS: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/peppers/)'
      JOURNAL_PEPPER_CURRENT: pepperCurrent
      // S32: the AES-GCM key ring that seals authenticator-app secrets, outside Table Storage.
      JOURNAL_SEALING_KEYS: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/sealing-keys/)'
      JOURNAL_SEALING_CURRENT: sealingCurrent
      // Read by nobody: changing it is the documented way to make the platform fetch new secret
      // versions now instead of within 24 hours (infra/README.md, "Rotating").
      SECRETS_REVISION: secretsRevision

      JOURNAL_MAIL_TRANSPORT: 'smtp'
      JOURNAL_MAIL_FROM: mailFrom
      JOURNAL_SMTP_HOST: smtpHost
      JOURNAL_SMTP_PORT: string(smtpPort)
      JOURNAL_SMTP_USERNAME: smtpUsername
      JOURNAL_SMTP_PASSWORD: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/smtp-password/)'
      // Always: mail carries reset and activation links, and config.py refuses production without.
      JOURNAL_SMTP_STARTTLS: 'true'

      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
    }
  }
}

// Basic-auth publishing to the SCM site (a user name and password) is off: azd deploys with an
// Entra token. Flex Consumption has no FTP endpoint, so there is no `ftp` policy to set.
resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output publicBaseUrl string = empty(publicBaseUrl) ? 'https://${site.properties.defaultHostName}' : publicBaseUrl
