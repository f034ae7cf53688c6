package com.procledger.api;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Dependencies point one way: api -> projections -> domain and api -> infra -> domain. */
@AnalyzeClasses(packages = "com.procledger", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleArchitectureTest {

    @ArchTest
    static final ArchRule domainIsPlainJava = noClasses().that().resideInAPackage("com.procledger.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "com.procledger.api..",
                    "com.procledger.infra..", "com.procledger.projections..");

    @ArchTest
    static final ArchRule projectionsKnowOnlyTheDomain = noClasses().that().resideInAPackage("com.procledger.projections..")
            .should().dependOnClassesThat().resideInAnyPackage("com.procledger.api..", "com.procledger.infra..");

    @ArchTest
    static final ArchRule infraKnowsOnlyTheDomain = noClasses().that().resideInAPackage("com.procledger.infra..")
            .should().dependOnClassesThat().resideInAnyPackage("com.procledger.api..", "com.procledger.projections..");

    /** Read models are built from events; they never act (a replay would act again). */
    @ArchTest
    static final ArchRule projectionsSendNoCommands = noClasses().that().resideInAPackage("com.procledger.projections..")
            .should().dependOnClassesThat().resideInAnyPackage("org.axonframework.commandhandling..",
                    "org.axonframework.modelling.command..");

    @ArchTest
    static final ArchRule domainFeaturesHaveNoCycles = slices().matching("com.procledger.domain.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule projectionFeaturesHaveNoCycles = slices().matching("com.procledger.projections.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule apiFeaturesHaveNoCycles = slices().matching("com.procledger.api.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule infraFeaturesHaveNoCycles = slices().matching("com.procledger.infra.(*)..").should().beFreeOfCycles();

    /**
     * Controllers and filters map HTTP to the code that does the work; they run no SQL of their own (choosing the
     * tenant a connection is scoped to, TenantScopedDataSource.runAs, is not SQL).
     */
    @ArchTest
    static final ArchRule controllersAndFiltersRunNoSql = noClasses().that()
            .areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
            .or().areAssignableTo(jakarta.servlet.Filter.class)
            .should().dependOnClassesThat().areAssignableTo(org.springframework.jdbc.core.JdbcOperations.class)
            .orShould().dependOnClassesThat().areAssignableTo(java.sql.Connection.class)
            .orShould().dependOnClassesThat().areAssignableTo(java.sql.Statement.class);
}
